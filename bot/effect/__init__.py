"""«Har tiltaket virket?» (issue 22): a while after a case closed with actions, its responsible leader is
asked whether the action worked, and may reopen the case in one step. Seed 000: handling deviations is to
«lære av hendelser [...] og at forbedringer vedvarer»."""

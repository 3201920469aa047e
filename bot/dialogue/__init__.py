"""The anonymous reporter's dialogue (issue 20): a case code to follow the case, answer the leaders'
questions and add information, without the bot ever knowing who they are."""

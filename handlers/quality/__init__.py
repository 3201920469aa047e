"""Slack for Kvalitetssystemet: `/kvalitet`, the review and measure modals, and the rounds' messages."""

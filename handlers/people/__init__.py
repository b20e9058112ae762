"""Who a chat account is: /start and contact sharing, registration, invites, approvals, linking, /toi and /canbo."""

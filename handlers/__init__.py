"""What the bot says and does, channel-neutral: a message in, replies out."""

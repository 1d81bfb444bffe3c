"""Trading-partner connectivity: SFTP mailboxes and CORE real-time endpoints per client,
the outbound queue that sends what the product writes, mailbox polling, real-time inquiries."""

"""The scheduler inside the product: periodic jobs run by ``rcmdesk worker`` (no cron)."""

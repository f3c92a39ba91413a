"""The console's pages, one blueprint per area: auth, conversations, dashboard, audit, export, users."""

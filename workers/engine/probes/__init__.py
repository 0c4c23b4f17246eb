"""What the engine measures and draws while it trains: one module per event kind."""

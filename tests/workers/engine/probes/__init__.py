"""Each probe called directly, one module per event kind, with small models built by the engine's builders."""

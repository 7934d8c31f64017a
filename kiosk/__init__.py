"""The LegFit application: session flow, composition root, command line, config, session log."""

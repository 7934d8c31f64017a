"""The bundled demo catalogue: one JSON file per product line, illustrative charts only."""

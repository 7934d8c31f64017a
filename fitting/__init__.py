"""The compression-fitting domain: measurements, catalogue, sizing, screener, donning.

Pure Python: no camera, no screen, no vision library. Everything the kiosk knows about
fitting a compression stocking lives here and is testable on its own.
"""

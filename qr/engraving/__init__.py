"""Engraving files for lasting plaques (issue 25): a site's plate drawn in millimetres as SVG and DXF, for a laser or
CNC shop, with text as outlines and the QR code as one path of merged modules; its preview, and the check that the
drawn code decodes before a file is given.

plates.py (sizes, materials, holes, the refusals), glyphs.py (text shaped by HarfBuzz, outlined by fontTools),
modules.py (the QR code's merged outline), layout.py (the drawing), svg_file.py and dxf_file.py (the two files),
print_check.py (rasterise and decode), files.py (a checked file, what callers use), preview.py (the PNG on the
admin page). Sticker sheets, a PDF, are qr/stickers.py.
"""

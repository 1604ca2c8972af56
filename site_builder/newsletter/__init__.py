"""The monthly 简报: which entries make an issue and its number (issue), the CJK faces to
print with (fonts), and the PDF itself (pdf, WeasyPrint)."""

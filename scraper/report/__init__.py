"""Coverage reports: counts of approved stories over a period, a chart, a clip sheet.

``build`` counts (pure, over stored items), ``chart`` draws stories per month
per program as SVG, ``clipsheet`` writes the one-row-per-story CSV and
``render`` the HTML page (the desk's and the standalone file's).
"""

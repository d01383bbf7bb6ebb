# Dates in UK form throughout: 29 January 2019.
DATE_FORMAT = "j F Y"
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j F Y, H:i"
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d %B %Y", "%d %b %Y", "%Y-%m-%d"]

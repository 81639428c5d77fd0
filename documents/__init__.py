"""Office documents (公文与台账文件): what the system writes for people to print, send or open in
a spreadsheet — built from the read models, never from live aggregates."""

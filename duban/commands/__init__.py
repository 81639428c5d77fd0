"""Commands as data (指令): one typed class per command, read the same way from the API and forms."""

"""The register of official letters a call sends, and the staff pages to read it and send what is
left by post."""

"""The shift handover (交接班): what one lobby manager leaves open is handed to the next one on duty."""

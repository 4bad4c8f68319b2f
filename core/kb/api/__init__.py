"""The knowledge base REST API: the public help centre (`public`) and the staff's editing (`staff`)."""

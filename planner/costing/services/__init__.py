"""One module per AWS service; each is a function from the topology to cost lines."""

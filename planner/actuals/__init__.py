"""Plan against actual: billing exports, Cost Explorer, variance per line, rebased estimates."""

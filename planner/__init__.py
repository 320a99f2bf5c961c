"""planner: AWS cost and capacity planner."""

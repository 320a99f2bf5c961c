"""The scenario from what runs: ``planner discover`` (an AWS account and a Kubernetes cluster)
and ``planner drift`` (what differs from the plan, in money). boto3 stays in planner.aws."""

"""Right-sizing from measured usage: node groups, workload requests, RDS, ElastiCache, MSK."""

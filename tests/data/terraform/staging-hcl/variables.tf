# The staging environment of the seed report (§2.1 variables.tf), as .tf files: the same
# resources as ../staging-plan.json, for `planner import terraform DIR/`.
variable "aws_region" {
  type    = string
  default = "us-east-1"
}

variable "environment" {
  type    = string
  default = "staging"
}

variable "cluster_name" {
  type    = string
  default = "emrtask-staging"
}

variable "cluster_version" {
  type    = string
  default = "1.28"
}

variable "vpc_cidr" {
  type    = string
  default = "10.1.0.0/16"
}

variable "db_instance_class" {
  type = string
  # no default: terraform.tfvars gives it
}

# §2.3: EKS 1.28 with two managed node groups: general 2-4 x t3.medium (ON_DEMAND, from a
# launch template) and compute 1-3 x t3.large (SPOT).
variable "cluster_name" { type = string }
variable "cluster_version" { type = string }
variable "subnet_ids" { type = list(string) }
variable "tags" { type = map(string) }
variable "general_desired" {
  type    = number
  default = 2
}

resource "aws_iam_role" "cluster" {
  name               = "${var.cluster_name}-cluster"
  assume_role_policy = "{}"
}

resource "aws_iam_role" "node" {
  name               = "${var.cluster_name}-node"
  assume_role_policy = "{}"
}

resource "aws_eks_cluster" "this" {
  name                      = var.cluster_name
  version                   = var.cluster_version
  role_arn                  = aws_iam_role.cluster.arn
  enabled_cluster_log_types = ["api", "audit"]
  vpc_config {
    subnet_ids              = var.subnet_ids
    endpoint_private_access = true
    endpoint_public_access  = true
  }
  tags = var.tags
}

resource "aws_cloudwatch_log_group" "cluster" {
  name              = "/aws/eks/${var.cluster_name}/cluster"
  retention_in_days = 30
  tags              = var.tags
}

resource "aws_launch_template" "general" {
  name                   = "${var.cluster_name}-general"
  instance_type          = "t3.medium"
  update_default_version = true
  block_device_mappings {
    device_name = "/dev/xvda"
    ebs {
      volume_size = 20
      volume_type = "gp3"
      encrypted   = true
    }
  }
}

resource "aws_eks_node_group" "general" {
  cluster_name    = aws_eks_cluster.this.name
  node_group_name = "${var.cluster_name}-general"
  node_role_arn   = aws_iam_role.node.arn
  subnet_ids      = var.subnet_ids
  labels          = { role = "general" }
  launch_template {
    id      = aws_launch_template.general.id
    version = "$Latest"
  }
  scaling_config {
    min_size     = 2
    desired_size = var.general_desired
    max_size     = 4
  }
  tags = var.tags
}

resource "aws_eks_node_group" "compute" {
  cluster_name    = aws_eks_cluster.this.name
  node_group_name = "${var.cluster_name}-compute"
  node_role_arn   = aws_iam_role.node.arn
  subnet_ids      = var.subnet_ids
  capacity_type   = "SPOT"
  instance_types  = ["t3.large"]
  disk_size       = 20
  labels          = { role = "compute" }
  scaling_config {
    min_size     = 1
    desired_size = 1
    max_size     = 3
  }
  tags = var.tags
}

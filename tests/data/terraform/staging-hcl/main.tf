terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.0"
    }
  }
}

provider "aws" {
  region = var.aws_region
}

locals {
  name = "emrtask-${var.environment}"
  tags = {
    Environment = var.environment
    Project     = "emrtask"
  }
  services = toset(["api-gateway", "emr-service", "handover-service", "sync-service", "task-service"])
}

module "vpc" {
  source       = "./modules/vpc"
  name         = local.name
  cidr         = var.vpc_cidr
  nat_gateways = 2
  tags         = local.tags
}

module "eks" {
  source          = "./modules/eks"
  cluster_name    = var.cluster_name
  cluster_version = var.cluster_version
  subnet_ids      = module.vpc.private_subnet_ids
  general_desired = 2
  tags            = local.tags
}

resource "aws_kms_key" "rds" {
  description             = "${local.name} RDS encryption"
  deletion_window_in_days = 7
  enable_key_rotation     = true
  tags                    = local.tags
}

resource "aws_kms_key" "s3" {
  description             = "${local.name} S3 encryption"
  deletion_window_in_days = 7
  enable_key_rotation     = true
  tags                    = local.tags
}

resource "aws_kms_key" "eks" {
  description             = "${local.name} EKS secrets"
  deletion_window_in_days = 7
  enable_key_rotation     = true
  tags                    = local.tags
}

resource "aws_kms_alias" "rds" {
  name          = "alias/${local.name}-rds"
  target_key_id = aws_kms_key.rds.key_id
}

resource "aws_db_subnet_group" "this" {
  name       = local.name
  subnet_ids = module.vpc.database_subnet_ids
  tags       = local.tags
}

resource "aws_db_instance" "postgres" {
  identifier              = "${local.name}-postgres"
  engine                  = "postgres"
  engine_version          = "15.4"
  instance_class          = var.db_instance_class
  allocated_storage       = 100
  max_allocated_storage   = 500
  storage_type            = "gp3"
  storage_encrypted       = true
  kms_key_id              = aws_kms_key.rds.arn
  multi_az                = false
  backup_retention_period = 7
  db_name                 = "emrtask"
  username                = "emrtask"
  db_subnet_group_name    = aws_db_subnet_group.this.name
  skip_final_snapshot     = true
  tags                    = local.tags
}

resource "aws_elasticache_subnet_group" "this" {
  name       = local.name
  subnet_ids = module.vpc.database_subnet_ids
}

resource "aws_elasticache_replication_group" "redis" {
  replication_group_id       = "${local.name}-redis"
  description                = "emrtask staging cache"
  engine                     = "redis"
  engine_version             = "7.0"
  node_type                  = "cache.t3.micro"
  num_cache_clusters         = 1
  automatic_failover_enabled = false
  multi_az_enabled           = false
  port                       = 6379
  subnet_group_name          = aws_elasticache_subnet_group.this.name
  tags                       = local.tags
}

resource "aws_msk_cluster" "kafka" {
  cluster_name           = "${local.name}-kafka"
  kafka_version          = "3.5.1"
  number_of_broker_nodes = 2

  broker_node_group_info {
    instance_type   = "kafka.t3.small"
    client_subnets  = module.vpc.private_subnet_ids
    security_groups = []
    storage_info {
      ebs_storage_info {
        volume_size = 100
      }
    }
  }
  tags = local.tags
}

resource "aws_lb" "api_gateway" {
  name               = "${local.name}-api"
  load_balancer_type = "network"
  internal           = false
  subnets            = module.vpc.public_subnet_ids
  tags               = local.tags
}

resource "aws_lb_target_group" "api_gateway" {
  name        = "${local.name}-api"
  port        = 8080
  protocol    = "TCP"
  target_type = "ip"
  vpc_id      = module.vpc.vpc_id
}

resource "aws_cloudwatch_log_group" "app" {
  name              = "/emrtask/${var.environment}/app"
  retention_in_days = 30
  tags              = local.tags
}

resource "aws_s3_bucket" "data" {
  bucket = "${local.name}-data"
  tags   = local.tags
}

resource "aws_ecr_repository" "services" {
  for_each             = local.services
  name                 = "emrtask/${each.key}"
  image_tag_mutability = "IMMUTABLE"
  tags                 = local.tags
}

resource "aws_secretsmanager_secret" "db" {
  name                    = "${local.name}/db"
  recovery_window_in_days = 7
  tags                    = local.tags
}

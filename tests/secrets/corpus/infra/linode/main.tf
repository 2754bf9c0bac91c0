terraform {
  required_providers {
    linode = {
      source  = "linode/linode"
      version = "~> 2.5"
    }
  }
  backend "s3" {
    bucket = "acme-tfstate"
    key    = "linode/terraform.tfstate"
  }
}

provider "linode" {
  token = var.linode_token
}

resource "linode_instance" "web" {
  label     = "web-1"
  image     = "linode/debian12"
  region    = "eu-central"
  type      = "g6-standard-2"
  root_pass = random_password.root.result
  authorized_keys = [chomp(file("~/.ssh/id_ed25519.pub"))]
}

resource "random_password" "root" {
  length  = 32
  special = true
}

resource "linode_database_postgresql" "db" {
  label          = "app-db"
  engine_id      = "postgresql/16"
  allow_list     = [linode_instance.web.ip_address]
}

output "db_password" {
  value     = linode_database_postgresql.db.root_password
  sensitive = true
}

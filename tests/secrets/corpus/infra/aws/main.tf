provider "aws" {
  region = "eu-west-1"
}

resource "aws_db_instance" "app" {
  identifier        = "app"
  engine            = "postgres"
  instance_class    = "db.t4g.small"
  username          = "app"
  password          = var.db_password
  allocated_storage = 20
}

resource "aws_iam_access_key" "ci" {
  user = aws_iam_user.ci.name
}

data "vault_generic_secret" "stripe" {
  path = "secret/prod/stripe"
}

locals {
  stripe_key = data.vault_generic_secret.stripe.data["secret_key"]
  api_token  = "${var.api_token}"
  subscription_id = "48add933-49d3-4a39-0f2f-8bbb3df9e495"
}

# Legacy: keys for the old CI (to be removed)
resource "local_file" "ci_credentials" {
  filename = "${path.module}/ci.credentials"
  content  = <<-EOT
    [default]
    aws_access_key_id = AKIAP4UH74V477QROHOQ
    aws_secret_access_key = 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
  EOT
}

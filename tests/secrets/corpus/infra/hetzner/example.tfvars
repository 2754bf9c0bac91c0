# Copy to prod.auto.tfvars and fill in.
hcloud_token = "<your-hcloud-token>"
cloudflare_api_token = "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
db_password = "changeme"
location = "fsn1"

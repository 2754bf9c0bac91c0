hcloud_token = "oWtFwBYjAQQypofhwdSkOw6zhHlwob9Pp3oESSGYPtfsBbTdYzAOWKznl3uvg4e2"
location = "fsn1"
cloudflare_api_token = "U6T2-Iitc9wnRaeYoIR1bgqXW_QDmGYhkXKnPNU7"
zone_id = "561ebbf13b03d2205e233fbb8f76d124"

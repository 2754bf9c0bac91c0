resource "azurerm_storage_account" "logs" {
  name = "acmelogs"
}

# storage_account_key = "XVpalBLp0Tq0+4E8IQvzBRzlcpsyKrcB7/3A6WZT1fNGchImP46S4mxj6t43nbCkFkpaYtdJv9f/ON8Ci67x5t=="

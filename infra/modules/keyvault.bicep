@description('A Key Vault for the app\'s secrets (RBAC only: the app reads them with its identity), and the callback signing secret when one is given.')
param name string
param location string
param tags object
param appPrincipalId string
@secure()
@description('whsec_ and a base64 key; empty for no callbacks.')
param callbackSigningSecret string
@description('Whether a signing secret was given.')
param withCallbacks bool

var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
  }
}

resource signingSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (withCallbacks) {
  parent: vault
  name: 'callback-signing-secret'
  properties: {
    value: callbackSigningSecret
    contentType: 'Standard Webhooks signing secret (whsec_…)'
  }
}

resource appSecretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, appPrincipalId, keyVaultSecretsUser)
  scope: vault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
    principalId: appPrincipalId
    principalType: 'ServicePrincipal'
  }
}

@description('The app setting that reads the signing secret: a Key Vault reference, or empty (callbacks off) when none was given.')
output signingReference string = withCallbacks ? '@Microsoft.KeyVault(VaultName=${vault.name};SecretName=callback-signing-secret)' : ''

targetScope = 'subscription'

// Tally on Azure: a Flex Consumption function app reaching storage and monitoring with a
// user-assigned managed identity. No keys or connection secrets. Durable Functions runs on the
// Azure Storage backend, in the same account.

@minLength(1)
@maxLength(64)
@description('azd environment name; names the resource group and seeds resource names.')
param environmentName string

@minLength(1)
@description('Region for every resource.')
param location string

@description('Object id of the deploying user (azd sets AZURE_PRINCIPAL_ID); used only when grantDeployerDataAccess is true.')
param principalId string = ''

@description('Give the deploying user the same storage data roles as the app, to debug against the cloud storage.')
param grantDeployerDataAccess bool = false

@minValue(1)
@maxValue(1000)
@description('The most instances the app scales out to.')
param maximumInstanceCount int = 100

@allowed([512, 2048, 4096])
@description('Memory of each instance, in MB.')
param instanceMemoryMB int = 2048

@description('The Durable Functions task hub.')
param taskHubName string = 'TallyHub'

@description('How long job results are kept (Tally:Jobs:ResultTtl, a .NET TimeSpan).')
param resultTtl string = '1.00:00:00'

@secure()
@description('The callback signing secret (Tally:Callbacks:SigningSecret): whsec_ and a base64 key, kept in Key Vault. Empty: no callbacks.')
param callbackSigningSecret string = ''

@description('Origins with politeness limits of their own (Tally:Politeness:Origins): [{origin: \'https://example.com\', maxConcurrent: 4, requestsPerSecond: \'0.5\'}].')
param originLimits array = []

var tags = { 'azd-env-name': environmentName }
var token = toLower(uniqueString(subscription().id, environmentName, location))
var appName = 'func-tally-${token}'

resource resourceGroup 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module identity 'modules/identity.bicep' = {
  scope: resourceGroup
  params: {
    name: 'id-tally-${token}'
    location: location
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  scope: resourceGroup
  params: {
    name: 'sttally${token}'
    location: location
    tags: tags
    deploymentContainerName: 'app-package-${take(appName, 32)}'
  }
}

module monitoring 'modules/monitoring.bicep' = {
  scope: resourceGroup
  params: {
    logAnalyticsName: 'log-tally-${token}'
    applicationInsightsName: 'appi-tally-${token}'
    location: location
    tags: tags
  }
}

module roles 'modules/roles.bicep' = {
  scope: resourceGroup
  params: {
    storageAccountName: storage.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    appPrincipalId: identity.outputs.principalId
    deployerPrincipalId: grantDeployerDataAccess ? principalId : ''
  }
}

module keyVault 'modules/keyvault.bicep' = {
  scope: resourceGroup
  params: {
    name: 'kv-tally-${take(token, 13)}'
    location: location
    tags: tags
    appPrincipalId: identity.outputs.principalId
    callbackSigningSecret: callbackSigningSecret
    withCallbacks: !empty(callbackSigningSecret)
  }
}

module functionApp 'modules/functionapp.bicep' = {
  scope: resourceGroup
  dependsOn: [roles]
  params: {
    name: appName
    planName: 'plan-tally-${token}'
    location: location
    tags: union(tags, { 'azd-service-name': 'api' })
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    deploymentContainerName: storage.outputs.deploymentContainerName
    applicationInsightsConnectionString: monitoring.outputs.connectionString
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    taskHubName: taskHubName
    resultTtl: resultTtl
    callbacksSigningReference: keyVault.outputs.signingReference
    originLimits: originLimits
  }
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = resourceGroup.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output SERVICE_API_NAME string = functionApp.outputs.name
output SERVICE_API_URI string = functionApp.outputs.uri
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.applicationInsightsName

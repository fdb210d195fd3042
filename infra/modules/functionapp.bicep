@description('The Flex Consumption plan and the function app, configured identity-based throughout.')
param name string
param planName string
param location string
param tags object
param identityId string
param identityClientId string
param storageAccountName string
param deploymentContainerName string
param applicationInsightsConnectionString string
param maximumInstanceCount int
param instanceMemoryMB int
param taskHubName string
param resultTtl string
@description('Tally:Callbacks:SigningSecret as an app setting: a Key Vault reference, or empty for no callbacks.')
param callbacksSigningReference string
@description('Tally:Politeness:Origins: origins with limits of their own, the origin written as the WHATWG URL standard does.')
param originLimits originLimit[]

@description('One origin\'s own limits; a limit left out is the default\'s.')
type originLimit = {
  @description('scheme://host[:port], the default port left out, no trailing slash')
  origin: string
  @minValue(1)
  @maxValue(1000)
  maxConcurrent: int?
  @description('requests a second, as a decimal number (Bicep has no fractions)')
  requestsPerSecond: string?
}

// Built from the name rather than read from the account, so the settings are known when the deployment starts.
var blobEndpoint = 'https://${storageAccountName}.blob.${environment().suffixes.storage}/'

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true // Linux
  }
}

var storageSettings = {
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  AzureWebJobsStorage__blobServiceUri: blobEndpoint
  AzureWebJobsStorage__queueServiceUri: 'https://${storageAccountName}.queue.${environment().suffixes.storage}/'
  AzureWebJobsStorage__tableServiceUri: 'https://${storageAccountName}.table.${environment().suffixes.storage}/'
}

var telemetrySettings = {
  APPLICATIONINSIGHTS_CONNECTION_STRING: applicationInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
}

// Every setting Tally reads, named as the code names them (every Tally:* section), with the defaults of their options classes.
var tallySettings = {
  TASKHUB_NAME: taskHubName
  Tally__Fetch__Timeout: '00:00:30'
  Tally__Fetch__MaxBytes: '268435456'
  Tally__Fetch__MaxRedirects: '5'
  Tally__Fetch__MaxUrlLength: '2048'
  Tally__Fetch__AllowPrivateNetworks: 'false'
  Tally__Fetch__UserAgent: 'Tally/1.0 (+https://github.com/tally-jobs/tally)'
  Tally__Jobs__ResultTtl: resultTtl
  Tally__Jobs__MaxUrlsPerRequest: '1000'
  Tally__Jobs__MaxListSize: '200'
  Tally__Jobs__ClaimTimeout: '00:10:00' // host.json functionTimeout: no run outlives it
  Tally__Jobs__MaxDelay: '90.00:00:00'
  Tally__Jobs__HeartbeatInterval: '00:00:10'
  Tally__Jobs__HeartbeatTimeout: '00:00:30'
  Tally__Jobs__MaxRevivals: '3'
  Tally__Batches__MaxUrls: '10000'
  Tally__Batches__DefaultParallelism: '16'
  Tally__Batches__MaxParallelism: '64'
  Tally__Batches__SliceSize: '0'
  Tally__Batches__SlicesPerGeneration: '100'
  Tally__Batches__RetryAttempts: '4'
  Tally__Batches__RetryInterval: '00:00:02'
  Tally__Batches__ListSize: '20'
  Tally__Batches__MaxListSize: '100'
  Tally__Batches__PageResults: '100'
  Tally__Batches__MaxPageResults: '1000'
  Tally__Callbacks__SigningSecret: callbacksSigningReference // read from Key Vault with the app's identity
  Tally__Callbacks__PreviousSigningSecret: '' // set during a rotation to the secret receivers still hold
  Tally__Callbacks__RetryDelays: '00:00:05,00:01:00,00:10:00,01:00:00,03:00:00,06:00:00'
  Tally__Callbacks__Timeout: '00:00:10'
  Tally__Politeness__MaxConcurrentPerOrigin: '16'
  Tally__Politeness__RequestsPerSecondPerOrigin: '' // none: only the concurrency limit (and robots.txt's Crawl-delay) holds
  Tally__Politeness__ObeyRobotsTxt: 'true'
  Tally__Politeness__UserAgent: 'Tally'
  Tally__Politeness__RobotsTxtCacheTime: '1.00:00:00'
  Tally__Politeness__RobotsTxtRetryTime: '00:01:00'
  // Politeness's tables (origin shares, validators) in the app's account; name another connection here (and set its
  // <name>__tableServiceUri, __credential, __clientId) to move their calls off it (docs/scale.md).
  Tally__Politeness__StorageConnection: 'AzureWebJobsStorage'
  Tally__Schedules__MisfireWindow: '00:05:00'
  Tally__Schedules__RecentRuns: '10'
  Tally__Schedules__MaxListSize: '100'
  Tally__Storage__TryTimeout: '00:00:02'
}

// Tally:Politeness:Origins:{n}:* from the originLimits parameter; a limit left out is empty, which binds as none.
var originSettings = reduce(range(0, length(originLimits)), {}, (all, i) => union(all, {
  'Tally__Politeness__Origins__${i}__Origin': originLimits[i].origin
  'Tally__Politeness__Origins__${i}__MaxConcurrent': string(originLimits[i].?maxConcurrent ?? '')
  'Tally__Politeness__Origins__${i}__RequestsPerSecond': originLimits[i].?requestsPerSecond ?? ''
}))

var settings = union(storageSettings, telemetrySettings, tallySettings, originSettings)

resource app 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId // Key Vault references resolve with the app's user-assigned identity
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      appSettings: [for setting in items(settings): { name: setting.key, value: setting.value }]
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${blobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
}

output name string = app.name
output uri string = 'https://${app.properties.defaultHostName}'

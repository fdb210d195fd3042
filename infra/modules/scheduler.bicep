@description('A Durable Task Scheduler and task hub, for users who outgrow the Azure Storage backend.')
param name string
param taskHubName string
param location string
param tags object

resource scheduler 'Microsoft.DurableTask/schedulers@2025-11-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    sku: { name: 'Consumption' }
    ipAllowlist: ['0.0.0.0/0'] // an empty list denies all traffic; access is governed by the data role
  }

  resource taskHub 'taskHubs' = {
    name: taskHubName
  }
}

output name string = scheduler.name
output endpoint string = scheduler.properties.endpoint

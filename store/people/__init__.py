"""Officers and units: provinces and communes, phone numbers, officer lists, registration codes and requests, roles granted and leavers."""

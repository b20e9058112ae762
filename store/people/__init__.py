"""Officers and units: provinces and communes, phone numbers, officer lists, roles granted and leavers."""

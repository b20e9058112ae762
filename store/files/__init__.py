"""Files on disk: report photos, broadcast attachments, and telling an image by its bytes."""

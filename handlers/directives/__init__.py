"""Directives in the chat: uploading one, /vanban to browse documents and sections, /phongtrao for campaigns."""

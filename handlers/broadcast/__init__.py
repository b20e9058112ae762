"""/thongbao: a supervisor's notice to an audience, previewed and confirmed, with an attachment."""

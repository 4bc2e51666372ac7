"""The lobby manager's daily work log (大堂经理工作日志)."""

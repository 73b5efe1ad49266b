### backup — Japanese. Ids start with "backup-"; the same ids live in ../en/backup.ftl.


backup-vanished = バックアップ中にサーバーから削除されたメール { $count } 件は保存されていません (フォルダを開き直して、もう無いことを確認済み): { $folders }

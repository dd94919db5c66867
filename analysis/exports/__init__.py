"""Files for other tools: the export set (CSV, XLSX or Parquet with a codebook), spreadsheet
safety, and the pabulib .pb format for participatory budgeting."""

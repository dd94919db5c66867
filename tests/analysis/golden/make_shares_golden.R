# Golden shares for tests/analysis/test_shares.py from R's survey package (linearised errors).
# Run from this folder after make_rake_golden.R:  Rscript make_shares_golden.R
# Reads shares_choices.csv and rake_weights.csv, writes shares_golden.csv.
suppressPackageStartupMessages(library(survey))

choices <- read.csv("shares_choices.csv", colClasses = c(choice = "numeric"))
weights <- read.csv("rake_weights.csv")
rows <- list()
for (key in unique(paste(choices$task, choices$option))) {
  part <- choices[paste(choices$task, choices$option) == key, ]
  part <- merge(part, weights, by = "respondent")
  part$chosen <- as.numeric(part$choice > 0)
  design <- svydesign(ids = ~1, weights = ~weight, data = part)
  share <- svymean(~chosen, design)
  level <- svymean(~choice, design)
  rows[[key]] <- data.frame(task = part$task[1], option = part$option[1],
                            share = coef(share)[[1]], share_se = SE(share)[[1]],
                            mean = coef(level)[[1]], mean_se = SE(level)[[1]])
}
write.csv(do.call(rbind, rows), "shares_golden.csv", row.names = FALSE, quote = FALSE)

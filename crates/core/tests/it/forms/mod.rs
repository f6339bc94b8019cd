mod expr_cases;
mod xlsform;

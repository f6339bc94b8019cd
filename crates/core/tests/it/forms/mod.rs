mod expr_cases;

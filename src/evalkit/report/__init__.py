"""What a report looks like: the notebook context, tables, figures, pages, the workbook, the comparison page
and the text catalogue (id/en). How notebooks are executed and published is :mod:`evalkit.runner`."""

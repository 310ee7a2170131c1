{{%AUTOESCAPE context="HTML"}}
{{! A hidden input (csrf_token...): no label, no messages. }}
{{#ATTRIBUTES}}
	<input type="hidden" name="{{NAME}}" value="{{VALUE}}">{{BI_NEWLINE}}
{{/ATTRIBUTES}}

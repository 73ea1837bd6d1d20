-- Built-in roles in the policies too (issue: privilege rules held by the database). The API
-- refuses to delete a built-in role (409) and cannot rename a role or mark one built in, but
-- a holder of roles.manage, no admin, with one raw statement as the application could:
-- delete `author` (every account loses it, and every sign-up then fails, create_account
-- granting a role that no longer exists), delete `auditor` and create it again empty (so
-- empty a role it could not assign), or mark a role of its own built in, which admins then
-- cannot delete through the API. Now built-in roles are neither created nor deleted by the
-- application, and of a role it may change only the description (the one column the API
-- edits; a rename would also move its grants and permissions by cascade).
ALTER POLICY app_insert ON roles
  WITH CHECK ((SELECT app_has_permission('roles.manage')) AND NOT built_in
              AND (name <> 'admin' OR (SELECT app_is_admin())));
ALTER POLICY app_delete ON roles
  USING ((SELECT app_has_permission('roles.manage')) AND NOT built_in
         AND (name <> 'admin' OR (SELECT app_is_admin())));
REVOKE UPDATE ON roles FROM byline_app;
GRANT UPDATE (description) ON roles TO byline_app;

-- The rule against privilege escalation (src/admin/roles/escalation.ts: a caller may create,
-- edit or grant a role only when it holds every permission in it, and only an admin may
-- touch the admin role) was the application's alone: a holder of roles.manage could grant
-- itself admin, or add users.manage to a role it holds, with one raw statement. The policies
-- now hold the same rule.

-- Whether the tenant of this transaction, an enabled account, holds the admin role.
CREATE FUNCTION app_is_admin() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT EXISTS (
    SELECT 1 FROM users u JOIN user_roles ur ON ur.user_id = u.id
    WHERE u.id = nullif(current_setting('app.user_id', true), '')::uuid AND u.disabled_at IS NULL
      AND ur.role_name = 'admin')
$$;

-- Whether the tenant of this transaction may assign the role `target` (grant it, change its
-- permissions, edit it): roles.manage, and admin for the admin role, and else every
-- permission the role has now (admin holds every permission).
CREATE FUNCTION app_may_assign(target text) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
  SELECT app_has_permission('roles.manage')
     AND CASE WHEN target = 'admin' THEN app_is_admin()
              ELSE NOT EXISTS (SELECT 1 FROM role_permissions rp
                               WHERE rp.role_name = target AND NOT app_has_permission(rp.permission))
         END
$$;

DO $$
DECLARE
  f text;
BEGIN
  FOREACH f IN ARRAY ARRAY['app_may_assign(text)', 'app_is_admin()'] LOOP
    EXECUTE format('ALTER FUNCTION %s OWNER TO byline_access', f);
    EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', f);
    EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO byline_app', f);
  END LOOP;
END
$$;

-- Granting: the role as it is. Revoking: admin only for the admin role (as the API).
ALTER POLICY app_insert ON user_roles WITH CHECK (app_may_assign(role_name));
ALTER POLICY app_delete ON user_roles
  USING ((SELECT app_has_permission('roles.manage')) AND (role_name <> 'admin' OR (SELECT app_is_admin())));

-- A role's permissions: changed only by one who may assign the role, and each one added held.
ALTER POLICY app_insert ON role_permissions WITH CHECK (app_may_assign(role_name) AND app_has_permission(permission));
ALTER POLICY app_update ON role_permissions
  USING (app_may_assign(role_name)) WITH CHECK (app_may_assign(role_name) AND app_has_permission(permission));
ALTER POLICY app_delete ON role_permissions USING (app_may_assign(role_name));

-- Roles themselves: creating and deleting ask for admin only for the admin role (a new role
-- has no permissions yet; deleting one takes it from its holders, as the API allows);
-- editing asks to be allowed to assign it.
ALTER POLICY app_insert ON roles
  WITH CHECK ((SELECT app_has_permission('roles.manage')) AND (name <> 'admin' OR (SELECT app_is_admin())));
ALTER POLICY app_update ON roles USING (app_may_assign(name)) WITH CHECK (app_may_assign(name));
ALTER POLICY app_delete ON roles
  USING ((SELECT app_has_permission('roles.manage')) AND (name <> 'admin' OR (SELECT app_is_admin())));
